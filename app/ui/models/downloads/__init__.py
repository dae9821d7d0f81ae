"""The download dialog: browse the Hub catalogue, pick a file, follow the queue."""
