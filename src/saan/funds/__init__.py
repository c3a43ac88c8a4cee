"""Community funds: transparent ledgers for savings groups, welfare funds and joint area funds."""
