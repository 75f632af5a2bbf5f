print("citytwin")
