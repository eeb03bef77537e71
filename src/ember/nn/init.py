"""ember.nn.init: weight initialisers with torch's formulas and names."""
