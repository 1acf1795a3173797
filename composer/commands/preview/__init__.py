"""`compose preview`: the live preview (preview.py), its local web server (server.py) and the page it
serves (assets/)."""
