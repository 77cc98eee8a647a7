struct Item {
  1: string name
  2: optional i64 price = types_default_price
}

const i64 types_default_price = 100
