/** The losses of the playground, one module each; the trainer picks one by `objective.loss`. */
export { contrastiveLoss } from './contrastive';
export { tripletLoss, NON_ZERO_LOSS_THRESHOLD, type TripletLossOptions } from './triplet';
export { binaryCrossEntropyLoss, PROBABILITY_EPSILON } from './binary';
export { cosineRegressionLoss } from './cosineRegression';
export { infoNceLoss } from './infonce';
export { weightedMean, withoutGradient, WEIGHT_SUM_FLOOR } from './reduce';
