"""aeslab: the runner of the AES-GCM / AES-XTS benchmarking lab."""
__version__ = "0.1.0"
