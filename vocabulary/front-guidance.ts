// What the reader's screen tells the patient while the card's front is being read (issue 13): the
// card driver decides it from the pictures, the panel driver shows it; neither knows the other.
/** 'place-flat': no whole card in the picture; 'hold-still': the card is there but not readable yet. */
export type FrontGuidance = 'place-flat' | 'hold-still';

/** Why the PIN pad is shown after face match was tried with the card's front: 'front-unread' the
 * front gave no usable key in time; 'front-refused' the card refused the key read off it. */
export type PinReason = 'front-unread' | 'front-refused';
