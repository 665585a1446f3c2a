"""The platform: master-database users, stores, credits and jobs."""
