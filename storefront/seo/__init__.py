"""What crawlers read: sitemaps, robots.txt, head tags and structured data."""
