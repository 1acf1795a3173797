"""Languages: dates in each language's words and digits, writing direction, scripts, labels/ (one
YAML file of the email's fixed words per language, and their model), and texts.py, the types of the
texts an editor types in any language, which core/models.py builds the issue's model of."""
