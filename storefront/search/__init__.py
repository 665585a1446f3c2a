"""Product search in the shopper's locale."""
