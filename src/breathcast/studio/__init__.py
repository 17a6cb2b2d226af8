"""breathcast studio: the therapist's page on her own computer."""
