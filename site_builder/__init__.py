"""site_builder: clinical case reports and their literature as an evidence website."""
