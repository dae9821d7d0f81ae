"""The list of saved conversations and the controller that opens, renames and deletes them."""
