"""Languages: dates in each language's words and digits, writing direction, scripts, and labels/ (one
YAML file of the email's fixed words per language)."""
