export {
  INVENTORY_KINDS,
  type InventoryItem,
  type InventoryKind,
} from "../../facts/inventory-types.ts";
