"""The access policy: loaded from `policy/policy.yaml`, validated at start-up, compiled to SQL filters."""
