"""Shopper accounts of a store (tenant ``customers``): register, log in, history, wishlist."""
