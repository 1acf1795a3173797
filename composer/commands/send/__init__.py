"""`compose send`: a test send of an issue (send.py), the MIME message it builds (message.py, also
`compose build --eml`) and SMTP delivery (smtp.py)."""
