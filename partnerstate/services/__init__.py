"""Business rules of the core, free of views: accounts, tokens, throttling, audit."""
