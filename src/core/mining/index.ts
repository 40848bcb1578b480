/** Mining: which pairs and triplets of a batch (online, tensors) or of a pool (offline, plain JS) train the network. */
export { labelMasks, splitInputMasks, type PairMasks } from './masks';
export { categoryCounts, mineTriplets, minePairs, tripletCategoryCounts, type MinedTriplets } from './online';
export {
  classifyTriplet,
  mineTripletsJs,
  buildTripletIndex,
  countTripletCategories,
  type TripletCategory,
  type MinedTriplet,
  type TripletIndex,
} from './js';
export { offlineMineTriplets, offlineMinePairs } from './offline';
