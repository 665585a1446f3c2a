"""Signing in, for agency users and shoppers alike: the login throttle and session generations."""
