import AssignmentIcon from '@mui/icons-material/Assignment';
import { RecordList } from './RecordList.tsx';
import { RecordShow } from './RecordShow.tsx';

export default { icon: AssignmentIcon, list: RecordList, show: RecordShow };
