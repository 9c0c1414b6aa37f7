"""Reading delivered files into the raw schema: the only place where files are parsed."""
