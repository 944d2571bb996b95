"""Spiders of the mmkg Scrapy project (``movie_site``)."""
