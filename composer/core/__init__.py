"""The pipeline every command shares: read YAML with its places, validate, Markdown, templates and the
view, MJML to HTML, write. Nothing here imports a command."""
