"""Reading squid.conf exactly as Squid does: source -> lexer -> preprocess -> typed model."""
