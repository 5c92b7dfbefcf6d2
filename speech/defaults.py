"""The name of the voice this package ships: what the settings need, in a module that imports nothing."""

PACKAGED_PIPER_VOICE = "packaged:en_US-joe-medium"
