/** Names of the kernels @cnn/backend adds (light module: no kernel code). */
export const CONV2D_BIAS = 'CnnConv2DBias';
export const BATCH_NORM_TRAIN = 'CnnBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'CnnBatchNormTrainGrad';
export const RELU_GRAD = 'CnnReluGrad';
