"""Orders of one store: what checkout writes, what the account pages and coupons read."""
