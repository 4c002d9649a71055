/** The administration token in force (from ADMIN_TOKEN or generated under DATA_DIR). */
export class AdminToken {
  constructor(readonly value: string | undefined) {}
}
