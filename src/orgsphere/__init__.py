"""orgsphere: how far is your organisation from its one real customer?"""
