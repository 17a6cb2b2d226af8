"""Her voice, or a computer's: the engines, the clip cache, her recorded takes, their
alignment to the script, and voicing a script into prepared clips."""
