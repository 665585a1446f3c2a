"""The agency's pages under ``/platform``: sign-in, the store list, the password and the theme
editor; the owner console grows here. Views parse and authorise; platform's services act."""
