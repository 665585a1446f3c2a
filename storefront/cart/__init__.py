"""The shopping cart: lines kept in the shopper's session per store, priced from the tenant DB."""
