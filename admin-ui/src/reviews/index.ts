import ReviewIcon from '@mui/icons-material/RateReview';
import { ReviewList } from './ReviewList.tsx';
import { ReviewShow } from './ReviewShow.tsx';

export default { icon: ReviewIcon, list: ReviewList, show: ReviewShow };
