"""Hostile input: each category of malicious or broken input, one file an area.

Every case must end in a clean, located error or a correct, whole email: no traceback, no exit
status but 0 or 1, no hang, no memory blow-up, no damaged output, no header an editor did not
mean. The limits the cases go past are in composer/limits.py.
"""
