/**
 * The default canned replies as they stood when the workbench migration first ran, frozen here so the
 * migration gives existing shops the same set whatever the defaults later become (new shops get the
 * current defaults from src/replies).
 */
export const WORKBENCH_CANNED_REPLIES = [
  {
    "key": "contact.greeting",
    "step": "contact",
    "case_type": null,
    "title": "问候并接手售后",
    "body": "您好，{buyerName}！这里是{shopName}的售后客服{agentName}，已经收到您关于订单{orderId}的{caseType}申请，接下来由我为您跟进处理，请您放心。",
    "position": 0
  },
  {
    "key": "contact.acknowledge",
    "step": "contact",
    "case_type": null,
    "title": "确认收到申请",
    "body": "您好，您的{caseType}申请我们已经收到，正在加紧核实订单情况，会尽快给您答复。处理过程中有任何疑问，直接在这里留言就好，我们会第一时间回复您。",
    "position": 1
  },
  {
    "key": "contact.noReply",
    "step": "contact",
    "case_type": null,
    "title": "买家未回复时再次联系",
    "body": "您好，{buyerName}，之前给您留言说明了订单{orderId}的售后处理情况，暂时还没有收到您的回复。您方便的时候在这里回复一下就好，我们会尽快为您解决问题。",
    "position": 2
  },
  {
    "key": "verify.photos",
    "step": "verify",
    "case_type": null,
    "title": "请买家提供照片",
    "body": "为了尽快为您处理，麻烦您拍几张商品的照片发给我们，最好包括商品整体、问题部位的细节和商品标签。照片清晰一些，我们核实起来会更快，谢谢您的配合。",
    "position": 3
  },
  {
    "key": "verify.order",
    "step": "verify",
    "case_type": null,
    "title": "核对订单与商品",
    "body": "麻烦您帮忙核对一下：需要售后的是订单{orderId}吗？出问题的是订单里的哪一件商品，颜色、尺码或规格是什么？确认好之后我们马上为您跟进。",
    "position": 4
  },
  {
    "key": "verify.description",
    "step": "verify",
    "case_type": null,
    "title": "请买家描述问题",
    "body": "能麻烦您具体描述一下遇到的问题吗？比如是什么时候发现的、问题出在哪个部位、是否影响正常使用。您说得越详细，我们就能越快给您一个合适的处理方案。",
    "position": 5
  },
  {
    "key": "verify.packaging",
    "step": "verify",
    "case_type": null,
    "title": "询问外包装与快递情况",
    "body": "请问您收到包裹时外包装是否完好？如果有破损、挤压或受潮的情况，麻烦拍一下外箱和快递面单的照片发给我们，方便我们和快递公司一起核实。",
    "position": 6
  },
  {
    "key": "apologise.general",
    "step": "apologise",
    "case_type": null,
    "title": "致歉",
    "body": "非常抱歉给您带来了不好的购物体验，也耽误了您的时间，真的很不好意思。我们一定会认真处理，尽快给您一个满意的答复。",
    "position": 7
  },
  {
    "key": "apologise.quality",
    "step": "apologise",
    "case_type": null,
    "title": "为商品问题致歉",
    "body": "商品出现这样的问题，我们深感抱歉，是我们的品控没有做到位。感谢您及时反馈，这个问题我们已经记录下来并转给品控同事改进，您这边的售后我们会优先处理。",
    "position": 8
  },
  {
    "key": "apologise.complaint",
    "step": "apologise",
    "case_type": "complaint",
    "title": "为服务问题致歉",
    "body": "关于您反映的问题，我们非常重视，在这里向您郑重道歉。您的意见已经转达给相关负责人，我们会认真整改，也希望您能给我们一个弥补的机会。",
    "position": 9
  },
  {
    "key": "propose.full_refund",
    "step": "propose",
    "case_type": "refund",
    "title": "全额退款",
    "body": "经过核实，我们为您办理全额退款{amount}。您在售后页面确认后，我们会尽快处理，款项将按原支付方式原路退回，到账时间以支付渠道为准，请您留意查收。",
    "position": 10
  },
  {
    "key": "propose.partial_refund",
    "step": "propose",
    "case_type": null,
    "title": "部分退款（商品不用寄回）",
    "body": "和您商量一个方案：商品不用寄回，您可以继续使用，我们为您退还部分款项{amount}（您申请的金额是{requestedAmount}）。如果您同意，请在售后页面确认，我们会马上为您处理。",
    "position": 11
  },
  {
    "key": "propose.partial_refund.priceDifference",
    "step": "propose",
    "case_type": "refund",
    "title": "退还差价",
    "body": "您反映的差价问题我们已经核实，会为您退还差价{amount}，款项按原支付方式原路退回。您在售后页面确认后我们就安排处理，请您留意查收。",
    "position": 12
  },
  {
    "key": "propose.return_and_refund",
    "step": "propose",
    "case_type": "return",
    "title": "退货退款（附寄回说明）",
    "body": "您的退货退款申请我们已经同意，退货步骤如下：1. 请在{deadline}前把商品寄回，退货地址以售后页面显示的为准；2. 寄回时请保持商品、配件、吊牌和包装完整，并在包裹里放一张写有订单号{orderId}的纸条；3. 寄出后请在售后页面填写快递单号。我们收到商品并确认无误后，会为您退款{amount}。",
    "position": 13
  },
  {
    "key": "propose.exchange",
    "step": "propose",
    "case_type": "exchange",
    "title": "换货（附寄回说明）",
    "body": "我们为您安排换货：请在{deadline}前把商品寄回，退货地址以售后页面显示的为准，寄出后在售后页面填写快递单号，并留言告诉我们需要更换的颜色和尺码。我们收到商品后会第一时间为您寄出新的商品，并把快递单号同步给您。",
    "position": 14
  },
  {
    "key": "propose.compensation",
    "step": "propose",
    "case_type": null,
    "title": "小额补偿",
    "body": "商品的小问题给您添麻烦了。如果不影响您正常使用，我们为您申请{amount}的小额补偿，款项会通过平台官方渠道发放。您看这个方案可以接受吗？同意的话回复我们一下，我们马上为您处理。",
    "position": 15
  },
  {
    "key": "propose.compensation.complaint",
    "step": "propose",
    "case_type": "complaint",
    "title": "投诉致歉补偿",
    "body": "这次给您带来的不便，我们再次向您道歉。为了表达歉意，我们为您申请了{amount}的小额补偿，款项会通过平台官方渠道发放。如果您同意，回复我们一下，我们马上为您处理。",
    "position": 16
  },
  {
    "key": "propose.reject.evidence",
    "step": "propose",
    "case_type": null,
    "title": "婉拒：暂未核实到问题",
    "body": "非常理解您的心情。根据目前的照片和说明，我们暂时还无法确认商品存在您描述的问题，所以这次的售后申请暂时无法通过。如果您方便补充更清晰的照片或视频，我们会第一时间重新为您核实。",
    "position": 17
  },
  {
    "key": "propose.reject.used",
    "step": "propose",
    "case_type": null,
    "title": "婉拒：商品已使用影响二次销售",
    "body": "非常理解您的心情。我们仔细查看了您提供的照片，商品已经有明显的使用痕迹，吊牌也已拆除，影响二次销售，所以这次的售后申请暂时无法通过，还请您谅解。如果商品在使用中出现质量问题，欢迎随时联系我们，我们会尽力为您处理。",
    "position": 18
  },
  {
    "key": "followUp.returnReminder",
    "step": "followUp",
    "case_type": null,
    "title": "提醒买家寄回商品",
    "body": "温馨提醒：您的{caseType}申请已经通过，请在{deadline}前把商品寄回，并在售后页面填写快递单号，以免申请超时关闭。寄回过程中遇到任何问题，随时告诉我们。",
    "position": 19
  },
  {
    "key": "followUp.returnReceived",
    "step": "followUp",
    "case_type": null,
    "title": "已收到退回商品",
    "body": "您寄回的商品我们已经收到，正在安排验货，验货完成后会尽快为您处理{caseType}，请您耐心等待，有进展我们会第一时间告诉您。",
    "position": 20
  },
  {
    "key": "followUp.refundProcessing",
    "step": "followUp",
    "case_type": null,
    "title": "退款处理中",
    "body": "您好，您的退款{amount}已经提交处理，款项会按原支付方式原路退回，一般几个工作日内到账，具体以支付渠道为准。到账前后如有任何疑问，欢迎随时联系我们。",
    "position": 21
  },
  {
    "key": "followUp.exchangeShipped",
    "step": "followUp",
    "case_type": "exchange",
    "title": "换货商品已寄出",
    "body": "您好，为您更换的新商品已经寄出，快递单号是{trackingNo}，您可以在订单详情里查看物流进度。收到后请检查一下商品，有任何问题随时联系我们。",
    "position": 22
  },
  {
    "key": "archive.closing",
    "step": "archive",
    "case_type": null,
    "title": "售后完结",
    "body": "您好，订单{orderId}的售后已经处理完毕，感谢您的耐心与理解。之后如果还有任何问题，欢迎随时联系我们，祝您生活愉快！",
    "position": 23
  },
  {
    "key": "archive.thanksRating",
    "step": "archive",
    "case_type": null,
    "title": "致谢并邀请评价",
    "body": "感谢您对{shopName}的支持与包容！如果方便的话，欢迎对这次的服务做个评价，您的真实感受能帮助我们做得更好。期待下次再为您服务。",
    "position": 24
  }
];

/** Gives every shop the query selects (one `id` column) the set; `$1` is the rows as JSON. */
export function seedCannedRepliesSql(shops: string): string {
  return `INSERT INTO canned_replies (shop_id, default_key, step, case_type, title, body, position)
    SELECT s.id, d.key, d.step, d.case_type, d.title, d.body, d.position
    FROM (${shops}) s CROSS JOIN jsonb_to_recordset($1::jsonb) AS d(key text, step text, case_type text, title text, body text, position int)`;
}
