"""The platform's own pages at the host's root: the landing page and the browser tab's icon."""
