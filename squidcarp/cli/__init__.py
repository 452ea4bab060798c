"""Command-line front end: one module per subcommand, each wrapping one library call."""
