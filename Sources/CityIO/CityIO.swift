import CityModel
