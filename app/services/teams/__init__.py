"""Teams, PODs and staff; reductions and absences; workload capacity."""
