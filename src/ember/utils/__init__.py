"""ember.utils: data loading (ember.utils.data) and hook handles (ember.utils.hooks)."""
