"""Store-authored content: CMS pages and the named blocks placed in the layout."""
