"""The catalog: products and categories as shoppers browse them."""
