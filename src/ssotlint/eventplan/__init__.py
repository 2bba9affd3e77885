"""`ssotlint events plan`: what each candidate event format would cost, as data and renderings."""
