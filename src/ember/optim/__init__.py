"""ember.optim: optimizers with torch's update rules, and `optim.lr_scheduler`."""
