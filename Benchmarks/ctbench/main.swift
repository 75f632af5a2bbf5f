import Foundation
print("{}")
