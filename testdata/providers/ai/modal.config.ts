export const modal = {
  modalTokenId: "ak-d5Z0i3GrwgqaA7PkFTKRXZ",
  modalTokenSecret: "as-ZeZmHA78mDh4XIKiSq6JvC",
};
