"""Applications layers (`keras/src/layers/applications`)."""
