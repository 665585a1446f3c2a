"""Tenancy: store resolution, the connection manager and the request-scoped tenant session."""
