import PrivacyTipIcon from '@mui/icons-material/PrivacyTip';
import { DataRequestList } from './DataRequestList.tsx';
import { DataRequestShow } from './DataRequestShow.tsx';

export default { icon: PrivacyTipIcon, list: DataRequestList, show: DataRequestShow };
