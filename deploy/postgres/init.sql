-- The tracker store's database (POSTGRES_DB, "rasa") is made by the image; the knowledge base gets its own.
CREATE DATABASE knowledge;
