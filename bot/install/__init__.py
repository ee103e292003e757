"""Installing Rotnem by OAuth: where tokens are kept, and the key each workspace's data is under."""
